"""The alphabetical order of people's names in Polku's lists: the Finnish (and Swedish)
alphabet, where å, ä and ö are letters of their own after z (…x, y, z, å, ä, ö).

PostgreSQL's ICU collation orders them in the database, so a list is sorted and paged
there. The database's own collation (C.UTF-8) would put Ä before Å and Ö, and a key with
the accents folded away (the name search's) would put Åkerlund among the A's.
"""

FINNISH = "fi-FI-x-icu"
