"""Permission-matrix rows, one module per app: ROWS = {url name: Row}."""
