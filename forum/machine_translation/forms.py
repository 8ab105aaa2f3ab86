"""The form of a glossary term."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from forum.i18n import language_name
from forum.machine_translation.glossary import FIXED, KEEP
from forum.machine_translation.glossary_terms import TermInput, rendering_languages
from forum.web.forms import Form, language_choices


class GlossaryTermForm(Form):
    # The service checks every field and says what is wrong; the form only carries them.
    term = StringField(_l("Term"), description=_l(
        "As written in the texts, e.g. Carrer Major. It matches whole words only."))
    language = SelectField(_l("Texts it applies to"), validate_choice=False)
    kind = RadioField(_l("In translations"), default=KEEP, validate_choice=False, choices=[
        SelectChoice(KEEP, _l("keep it as written, never translated")),
        SelectChoice(FIXED, _l("translate it the same way every time, as given below"))])
    case_sensitive = BooleanField(_l("Match capital and small letters exactly (otherwise "
                                     "case is ignored)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("", _("texts in any language")),
                                 *language_choices()]

    def rendering_fields(self):
        """Return the fields of the fixed translations, one per language."""
        return [self[f"rendering_{code}"] for code in current_app.config["LANGUAGES"]]

    def term_input(self) -> TermInput:
        """Return what was typed, for the service to check."""
        language = self.language.data or None
        renderings = {code: self[f"rendering_{code}"].data or ""
                      for code in rendering_languages(language)}
        return TermInput(self.term.data or "", language, self.kind.data or "",
                         bool(self.case_sensitive.data), renderings)


def glossary_form(**kwargs) -> GlossaryTermForm:
    """Build the form with a fixed-translation field for each of the forum's languages."""
    fields = {f"rendering_{code}": StringField(
        _("Fixed translation in %(language)s", language=language_name(code)),
        description=_("Not needed for texts in this language, nor for kept terms."))
        for code in current_app.config["LANGUAGES"]}
    return type("GlossaryTermForm", (GlossaryTermForm,), fields)(**kwargs)


def form_data(term) -> dict:
    """Return a stored term as the form's initial data."""
    renderings = {f"rendering_{code}": text for code, text in (term.renderings or {}).items()}
    return dict(term=term.term, language=term.language or "", kind=term.kind,
                case_sensitive=term.case_sensitive, **renderings)
