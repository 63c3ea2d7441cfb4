from accounts.models import User
from config.forms import LanguageRadioSelect, PolkuModelForm


class ProfileForm(PolkuModelForm):
    class Meta:
        model = User
        fields = ["preferred_language", "email_digest", "phone"]
        widgets = {"preferred_language": LanguageRadioSelect}
