"""Words that say nothing about what a proposal is about, per language, accent-folded.

Besides grammar words, each list holds the words nearly every proposal uses ("propose",
"city", "more"): two drafts sharing them are no closer for it. Languages without a list
still work; their short words are dropped by length alone.
"""
from __future__ import annotations

_EN = """
a about above after again all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not now of off on once only or other our ours out over own
same she should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which while who whom
why will with would you your yours us let lets get make made many much new every also
propose proposal proposals suggest ask asking want would like need needs please city town
council municipal municipality people resident residents citizen citizens our area
neighbourhood neighborhood there should could would one two three use used using way
"""

_ES = """
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun bajo bien cada casi
como con contra cual cuales cuando de del desde donde dos el ella ellas ello ellos en entre
era eran es esa esas ese eso esos esta estaba estan estar estas este esto estos fue fueron
ha habia han hasta hay la las le les lo los mas me mi mis mientras mucho muchos muy nada
ni no nos nosotros nuestra nuestras nuestro nuestros o otra otras otro otros para pero poco
por porque que quien se sea ser si sin sino sobre su sus tambien tan tanto te tiene tienen
todo todos tu un una unas uno unos usted ya yo propongo proponemos propuesta propuestas
pedimos pido queremos quiero necesitamos hacer hace puede pueden podria deberia debe
ciudad pueblo ayuntamiento municipal municipio vecinos vecinas ciudadanos barrio gente
nuevo nueva nuevos nuevas mejor
"""

_FR = """
a afin ai aie au aux avec avoir c ce ceci cela celle celles celui ces cet cette chaque
comme d dans de des donc du elle elles en encore entre est et etait etaient etre eu fait
faire il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre
nous on ont ou par pas peu peut peuvent plus pour pourrait pourquoi qu quand que quel quelle
quelles quels qui s sa sans se ses si son sont sous sur t ta te tes toi ton tous tout toute
toutes tres tu un une vos votre vous y propose proposons proposition propositions demande
demandons voudrions voudrais faut faudrait devrait doit ville commune mairie municipal
municipale conseil habitants habitantes citoyens quartier gens nouveau nouvelle nouveaux
nouvelles mieux
"""

_CA = """
a al als amb ara aquell aquella aquelles aquells aquest aquesta aquestes aquests aixi
aixo abans aqui bastant be cada com d de del dels des doncs durant el ella elles ells en
entre era eren es esta estan estar ha han havia hi i jo l la les li ll llavors lo los m
mes meu molt molta moltes molts n nomes nos nosaltres nostra nostre nostres o on pel pels
per perque pero poc poden podria pot qual quals quan que qui s sa se seu seus seva seves
si sino sobre sols son sota su sus t tambien tambe te tenen tenim te tot tota totes tots
un una unes uns vosaltres vostra vostre ja proposo proposem proposta propostes demanem
demano volem vull necessitem cal caldria hauria ha fer fa ciutat poble ajuntament municipal
municipi veins veines ciutadans barri gent nou nova nous noves millor
"""

STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in (("en", _EN), ("es", _ES), ("fr", _FR), ("ca", _CA))}


def stopwords(language: str) -> frozenset[str]:
    """Return the accent-folded stop words of a language (empty when it has no list)."""
    return STOPWORDS.get(language, frozenset())
