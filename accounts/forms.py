from allauth.account.forms import UserTokenForm

from accounts.models import User
from config.forms import LanguageRadioSelect, PolkuModelForm


class ProfileForm(PolkuModelForm):
    class Meta:
        model = User
        fields = ["preferred_language", "email_digest", "phone"]
        widgets = {"preferred_language": LanguageRadioSelect}


class KeyUserTokenForm(UserTokenForm):
    """allauth's check of the key of an invitation or password-reset link (ACCOUNT_FORMS).

    Once the key proves valid, the pages of the link, and the ones after it until the user
    signs in, speak the language of the user whose key it is (config.language): else a
    Swedish or English invitation opened on Finnish pages, the new user having chosen no
    language in this browser. A wrong key tells nothing of whose it might be.
    """

    def clean(self):
        from allauth.core import context

        from config.language import adopt_language

        cleaned_data = super().clean()  # raises for a wrong or used key
        adopt_language(context.request, self.reset_user.preferred_language)
        return cleaned_data
