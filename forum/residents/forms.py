"""Forms for redeeming a verification code and making a batch of them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.web.forms import Form

# A web request makes at most this many codes; the command line makes more.
MAX_WEB_BATCH = 5000


class RedeemForm(Form):
    code = StringField(_l("Your verification code"), validators=[DataRequired(), Length(max=64)],
                       description=_l("As printed on your letter, e.g. 7K2M-Q9XH-3FRA."))


class BatchForm(Form):
    size = IntegerField(_l("Number of codes"), default=100,
                        validators=[DataRequired(), NumberRange(1, MAX_WEB_BATCH)])
    label = StringField(_l("What the batch is for"),
                        validators=[DataRequired(), Length(max=200)],
                        description=_l("e.g. Letter to households, March 2027."))
    district = StringField(_l("District (optional)"), validators=[Optional(), Length(max=100)],
                           description=_l("Given to every account that redeems one of these "
                                          "codes."))
    valid_days = IntegerField(_l("Valid for how many days (optional)"),
                              validators=[Optional(), NumberRange(1, 3650)])
    output = SelectField(_l("Hand the codes out as"), default="sheet",
                         choices=[SelectChoice("sheet", _l("a printable sheet")),
                                  SelectChoice("csv", _l("a CSV file"))])
