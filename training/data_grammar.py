"""English → simplified French, word level, from a generated grammar (seeded).

What the grammar covers (and how the French is simplified) is documented in
docs/trained-models.md; in short:

* Noun phrases: determiner, up to one "before" adjective and one "after" adjective, a noun,
  optionally "of" + noun phrase or a relative clause ("that/who/which ..."). French puts most
  adjectives after the noun ("the black cat" → "le chat noir"); ten adjectives stay in front
  (small, big, good, bad, young, old, beautiful, new, pretty, long). Articles, possessives,
  demonstratives and adjectives agree in gender and number with the noun.
* Clauses: subject (pronoun, noun phrase or two coordinated noun phrases) + verb in the present
  tense, agreeing with the subject; transitive verbs take a noun phrase or an object pronoun,
  which French puts before the verb ("I see him" → "je le vois"); negation "do not / does not /
  don't / doesn't" → "ne … pas", "never" → "ne … jamais"; frequency adverbs (often, always,
  sometimes, rarely) stand before the English verb and after the French one; "to be" with an
  adjective (agreeing) or a place; "there is/are" → "il y a"; prepositional phrases; adverbs at
  the end (today, now, here, tonight, every day).
* Sentences: clauses joined by and, but, because, when, while, so, or.
* French spelling rules applied: elision (l', j', m', n', qu', d' before a vowel or mute h),
  contraction (de le → du, de les → des, à le → au, à les → aux), mon/ton/son before a vowel,
  cet, bel/nouvel/vieil.
* Simplifications: "you" is always "vous" (and masculine plural for agreement), "they" is
  always "ils", "I"/"we" agree as masculine; the plural indefinite article is always "des"
  (also before adjectives and after a negation); the present tense only.

Every English sentence has exactly one French translation (the generator is a function of its
choices, and no English word sequence is produced by two different choice paths with different
French), so exact match is a fair measure.

Splits are disjoint by sentence: an English sentence belongs to the test split when a hash of
it falls in the test range; generators for the other splits reject it.
"""

import hashlib
import random

# --------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------

# Nouns: English singular, English plural (None = add -s/-es), French singular, French plural
# (None = add -s), gender, kind. Kinds: person, animal, thing, text, food, mass, place.
NOUNS = [
    ("man", "men", "homme", None, "m", "person"),
    ("woman", "women", "femme", None, "f", "person"),
    ("boy", None, "garçon", None, "m", "person"),
    ("girl", None, "fille", None, "f", "person"),
    ("child", "children", "enfant", None, "m", "person"),
    ("teacher", None, "professeur", None, "m", "person"),
    ("doctor", None, "médecin", None, "m", "person"),
    ("friend", None, "ami", None, "m", "person"),
    ("neighbor", None, "voisin", None, "m", "person"),
    ("king", None, "roi", None, "m", "person"),
    ("queen", None, "reine", None, "f", "person"),
    ("baker", None, "boulanger", None, "m", "person"),
    ("farmer", None, "fermier", None, "m", "person"),
    ("sister", None, "sœur", None, "f", "person"),
    ("brother", None, "frère", None, "m", "person"),
    ("mother", None, "mère", None, "f", "person"),
    ("father", None, "père", None, "m", "person"),
    ("student", None, "étudiant", None, "m", "person"),
    ("uncle", None, "oncle", None, "m", "person"),
    ("cat", None, "chat", None, "m", "animal"),
    ("dog", None, "chien", None, "m", "animal"),
    ("horse", None, "cheval", "chevaux", "m", "animal"),
    ("bird", None, "oiseau", "oiseaux", "m", "animal"),
    ("mouse", "mice", "souris", "souris", "f", "animal"),
    ("cow", None, "vache", None, "f", "animal"),
    ("rabbit", None, "lapin", None, "m", "animal"),
    ("wolf", "wolves", "loup", None, "m", "animal"),
    ("bear", None, "ours", "ours", "m", "animal"),
    ("fox", None, "renard", None, "m", "animal"),
    ("duck", None, "canard", None, "m", "animal"),
    ("frog", None, "grenouille", None, "f", "animal"),
    ("pig", None, "cochon", None, "m", "animal"),
    ("elephant", None, "éléphant", None, "m", "animal"),
    ("goat", None, "chèvre", None, "f", "animal"),
    ("book", None, "livre", None, "m", "text"),
    ("letter", None, "lettre", None, "f", "text"),
    ("newspaper", None, "journal", "journaux", "m", "text"),
    ("story", None, "histoire", None, "f", "text"),
    ("song", None, "chanson", None, "f", "text"),
    ("poem", None, "poème", None, "m", "text"),
    ("table", None, "table", None, "f", "thing"),
    ("chair", None, "chaise", None, "f", "thing"),
    ("door", None, "porte", None, "f", "thing"),
    ("window", None, "fenêtre", None, "f", "thing"),
    ("hat", None, "chapeau", "chapeaux", "m", "thing"),
    ("key", None, "clé", None, "f", "thing"),
    ("bag", None, "sac", None, "m", "thing"),
    ("box", None, "boîte", None, "f", "thing"),
    ("ball", None, "balle", None, "f", "thing"),
    ("boat", None, "bateau", "bateaux", "m", "thing"),
    ("car", None, "voiture", None, "f", "thing"),
    ("bicycle", None, "vélo", None, "m", "thing"),
    ("plane", None, "avion", None, "m", "thing"),
    ("picture", None, "tableau", "tableaux", "m", "thing"),
    ("bottle", None, "bouteille", None, "f", "thing"),
    ("cup", None, "tasse", None, "f", "thing"),
    ("knife", "knives", "couteau", "couteaux", "m", "thing"),
    ("pen", None, "stylo", None, "m", "thing"),
    ("computer", None, "ordinateur", None, "m", "thing"),
    ("lamp", None, "lampe", None, "f", "thing"),
    ("umbrella", None, "parapluie", None, "m", "thing"),
    ("coat", None, "manteau", "manteaux", "m", "thing"),
    ("shoe", None, "chaussure", None, "f", "thing"),
    ("apple", None, "pomme", None, "f", "food"),
    ("cake", None, "gâteau", "gâteaux", "m", "food"),
    ("egg", None, "œuf", None, "m", "food"),
    ("carrot", None, "carotte", None, "f", "food"),
    ("strawberry", "strawberries", "fraise", None, "f", "food"),
    ("pie", None, "tarte", None, "f", "food"),
    ("bread", None, "pain", None, "m", "mass"),
    ("cheese", None, "fromage", None, "m", "mass"),
    ("soup", None, "soupe", None, "f", "mass"),
    ("coffee", None, "café", None, "m", "mass"),
    ("milk", None, "lait", None, "m", "mass"),
    ("water", None, "eau", None, "f", "mass"),
    ("house", None, "maison", None, "f", "place"),
    ("garden", None, "jardin", None, "m", "place"),
    ("street", None, "rue", None, "f", "place"),
    ("city", "cities", "ville", None, "f", "place"),
    ("village", None, "village", None, "m", "place"),
    ("river", None, "rivière", None, "f", "place"),
    ("forest", None, "forêt", None, "f", "place"),
    ("school", None, "école", None, "f", "place"),
    ("church", None, "église", None, "f", "place"),
    ("bridge", None, "pont", None, "m", "place"),
    ("hotel", None, "hôtel", None, "m", "place"),
    ("hospital", None, "hôpital", "hôpitaux", "m", "place"),
    ("shop", None, "magasin", None, "m", "place"),
    ("castle", None, "château", "châteaux", "m", "place"),
    ("beach", None, "plage", None, "f", "place"),
    ("park", None, "parc", None, "m", "place"),
    ("island", None, "île", None, "f", "place"),
]

# Adjectives: English, French m.sg, f.sg, m.pl, f.pl (None = regular), before-noun in French.
# Regular: feminine adds -e unless the word ends in -e, -eux → -euse; plural adds -s unless the
# word ends in -s or -x.
ADJECTIVES = [
    ("small", "petit", None, None, None, True),
    ("big", "grand", None, None, None, True),
    ("good", "bon", "bonne", None, None, True),
    ("bad", "mauvais", None, None, None, True),
    ("young", "jeune", None, None, None, True),
    ("old", "vieux", "vieille", "vieux", "vieilles", True),
    ("beautiful", "beau", "belle", "beaux", "belles", True),
    ("new", "nouveau", "nouvelle", "nouveaux", "nouvelles", True),
    ("pretty", "joli", None, None, None, True),
    ("long", "long", "longue", None, None, True),
    ("red", "rouge", None, None, None, False),
    ("blue", "bleu", None, None, None, False),
    ("green", "vert", None, None, None, False),
    ("black", "noir", None, None, None, False),
    ("white", "blanc", "blanche", None, None, False),
    ("yellow", "jaune", None, None, None, False),
    ("gray", "gris", "grise", "gris", "grises", False),
    ("brown", "brun", None, None, None, False),
    ("fast", "rapide", None, None, None, False),
    ("slow", "lent", None, None, None, False),
    ("happy", "heureux", None, None, None, False),
    ("sad", "triste", None, None, None, False),
    ("angry", "fâché", None, None, None, False),
    ("tired", "fatigué", None, None, None, False),
    ("hungry", "affamé", None, None, None, False),
    ("strong", "fort", None, None, None, False),
    ("rich", "riche", None, None, None, False),
    ("dirty", "sale", None, None, None, False),
    ("hot", "chaud", None, None, None, False),
    ("cold", "froid", None, None, None, False),
    ("heavy", "lourd", None, None, None, False),
    ("soft", "doux", "douce", "doux", "douces", False),
    ("round", "rond", None, None, None, False),
    ("empty", "vide", None, None, None, False),
    ("quiet", "calme", None, None, None, False),
    ("noisy", "bruyant", None, None, None, False),
    ("famous", "célèbre", None, None, None, False),
    ("strange", "étrange", None, None, None, False),
    ("funny", "drôle", None, None, None, False),
    ("smart", "intelligent", None, None, None, False),
    ("lazy", "paresseux", None, None, None, False),
    ("brave", "courageux", None, None, None, False),
    ("kind", "gentil", "gentille", None, None, False),
    ("curious", "curieux", None, None, None, False),
    ("sick", "malade", None, None, None, False),
    ("wet", "mouillé", None, None, None, False),
    ("broken", "cassé", None, None, None, False),
]

# Adjectives that only fit animate nouns (people, animals) or only inanimate ones; the rest fit both.
ANIMATE_ONLY = {"young", "happy", "sad", "angry", "tired", "hungry", "strong", "rich", "lazy", "brave",
                "kind", "curious", "sick", "smart"}
INANIMATE_ONLY = {"new", "long", "round", "empty", "broken", "heavy", "hot", "cold"}


def adjective_fits(adj, kind):
    if adj[0] in ANIMATE_ONLY:
        return kind in ("person", "animal")
    if adj[0] in INANIMATE_ONLY:
        return kind not in ("person", "animal")
    return True


# Before a masculine singular noun starting with a vowel sound.
ADJ_VOWEL_FORM = {"vieux": "vieil", "beau": "bel", "nouveau": "nouvel"}

PERSONS = ["1s", "3s", "1p", "2p", "3p"]


def _er(inf):
    stem = inf[:-2]
    plural_stem = stem + ("e" if stem.endswith("g") else "")
    if stem.endswith("c"):
        plural_stem = stem[:-1] + "ç"
    return [stem + "e", stem + "e", plural_stem + "ons", stem + "ez", stem + "ent"]


def _ir(inf):
    stem = inf[:-2]
    return [stem + "is", stem + "it", stem + "issons", stem + "issez", stem + "issent"]


def _re(inf):
    stem = inf[:-2]
    return [stem + "s", stem, stem + "ons", stem + "ez", stem + "ent"]


IRREGULAR = {
    "voir": "vois voit voyons voyez voient",
    "prendre": "prends prend prenons prenez prennent",
    "vouloir": "veux veut voulons voulez veulent",
    "connaître": "connais connaît connaissons connaissez connaissent",
    "suivre": "suis suit suivons suivez suivent",
    "ouvrir": "ouvre ouvre ouvrons ouvrez ouvrent",
    "lire": "lis lit lisons lisez lisent",
    "écrire": "écris écrit écrivons écrivez écrivent",
    "boire": "bois boit buvons buvez boivent",
    "construire": "construis construit construisons construisez construisent",
    "dormir": "dors dort dormons dormez dorment",
    "courir": "cours court courons courez courent",
    "rire": "ris rit rions riez rient",
    "sourire": "souris sourit sourions souriez sourient",
    "aller": "vais va allons allez vont",
    "venir": "viens vient venons venez viennent",
    "partir": "pars part partons partez partent",
    "être": "suis est sommes êtes sont",
    "acheter": "achète achète achetons achetez achètent",
    "appeler": "appelle appelle appelons appelez appellent",
    "préférer": "préfère préfère préférons préférez préfèrent",
    "protéger": "protège protège protégeons protégez protègent",
    "payer": "paie paie payons payez paient",
    "peindre": "peins peint peignons peignez peignent",
}


def conjugate(inf):
    """French present tense for the persons 1s, 3s, 1p, 2p, 3p."""
    if inf in IRREGULAR:
        return IRREGULAR[inf].split()
    if inf.endswith("er"):
        return _er(inf)
    if inf.endswith("ir"):
        return _ir(inf)
    if inf.endswith("re"):
        return _re(inf)
    raise ValueError(inf)


# Transitive verbs: English (base form, with a particle after a space if any), French
# infinitive, object kinds ("any" = every kind).
ANIMATE = ("person", "animal")
THINGS = ("thing", "text", "food")
TRANSITIVE = [
    ("see", "voir", "any"), ("watch", "regarder", "any"), ("look at", "regarder", "any"),
    ("like", "aimer", "any"), ("love", "adorer", "any"), ("hate", "détester", "any"),
    ("prefer", "préférer", "any"), ("eat", "manger", ("food", "mass")),
    ("buy", "acheter", THINGS + ("mass", "animal")), ("sell", "vendre", THINGS + ("mass", "animal")),
    ("find", "trouver", "any"), ("take", "prendre", THINGS + ("mass",)),
    ("want", "vouloir", THINGS + ("mass", "animal")), ("know", "connaître", ANIMATE + ("place", "text")),
    ("hear", "entendre", ANIMATE), ("call", "appeler", ANIMATE), ("help", "aider", ANIMATE),
    ("follow", "suivre", ANIMATE), ("wash", "laver", ("thing", "animal")),
    ("open", "ouvrir", ("thing", "text")), ("close", "fermer", ("thing", "text")),
    ("carry", "porter", ("thing", "text", "food", "animal")), ("draw", "dessiner", "any"),
    ("paint", "peindre", "any"), ("read", "lire", ("text",)), ("write", "écrire", ("text",)),
    ("push", "pousser", ("thing",)), ("catch", "attraper", ("animal", "thing")),
    ("throw", "lancer", ("thing", "food")), ("meet", "rencontrer", ("person",)),
    ("visit", "visiter", ("place",)), ("forget", "oublier", "any"), ("choose", "choisir", "any"),
    ("build", "construire", ("thing", "place")), ("break", "casser", ("thing",)),
    ("fix", "réparer", ("thing",)), ("hide", "cacher", THINGS + ("animal",)),
    ("bring", "apporter", THINGS + ("mass",)), ("lose", "perdre", THINGS),
    ("cook", "cuisiner", ("food", "mass")), ("drink", "boire", ("mass",)),
    ("listen to", "écouter", ("person", "animal", "text")), ("wait for", "attendre", "any"),
    ("look for", "chercher", "any"), ("pay for", "payer", THINGS + ("mass",)),
    ("keep", "garder", "any"), ("show", "montrer", THINGS), ("touch", "toucher", "any"),
    ("kiss", "embrasser", ANIMATE), ("protect", "protéger", ANIMATE + ("place",)),
    ("prepare", "préparer", ("food", "mass")), ("finish", "finir", ("text", "food", "mass")),
]
# Intransitive verbs: English, French infinitive, takes "to"/"from" + place (motion).
INTRANSITIVE = [
    ("sleep", "dormir", False), ("run", "courir", True), ("walk", "marcher", True),
    ("dance", "danser", False), ("sing", "chanter", False), ("swim", "nager", False),
    ("laugh", "rire", False), ("cry", "pleurer", False), ("work", "travailler", False),
    ("arrive", "arriver", True), ("play", "jouer", False), ("travel", "voyager", True),
    ("smile", "sourire", False), ("shout", "crier", False), ("jump", "sauter", False),
    ("go", "aller", True), ("come", "venir", True), ("leave", "partir", False),
    ("eat", "manger", False), ("read", "lire", False), ("write", "écrire", False),
    ("cook", "cuisiner", False), ("paint", "peindre", False),
]

SUBJECT_PRONOUNS = {  # English → (French, person, gender)
    "i": ("je", "1s", "m"), "you": ("vous", "2p", "m"), "he": ("il", "3s", "m"),
    "she": ("elle", "3s", "f"), "we": ("nous", "1p", "m"), "they": ("ils", "3p", "m"),
}
OBJECT_PRONOUNS = {  # English → (French before the verb, French after a preposition, person)
    "me": ("me", "moi", "1s"), "you": ("vous", "vous", "2p"), "him": ("le", "lui", "3s"),
    "her": ("la", "elle", "3s"), "us": ("nous", "nous", "1p"), "them": ("les", "eux", "3p"),
}
POSSESSIVES = {  # English → (m.sg, f.sg, plural)
    "my": ("mon", "ma", "mes"), "your": ("votre", "votre", "vos"), "his": ("son", "sa", "ses"),
    "her": ("son", "sa", "ses"), "our": ("notre", "notre", "nos"), "their": ("leur", "leur", "leurs"),
}
NUMBERS = {"two": "deux", "three": "trois", "four": "quatre", "five": "cinq", "six": "six",
           "seven": "sept", "eight": "huit", "nine": "neuf", "ten": "dix"}
FREQUENCY = {"often": "souvent", "always": "toujours", "sometimes": "parfois", "rarely": "rarement"}
END_ADVERBS = [(["today"], ["aujourd'hui"]), (["now"], ["maintenant"]), (["here"], ["ici"]),
               (["tonight"], ["ce", "soir"]), (["every", "day"], ["chaque", "jour"])]
CONJUNCTIONS = [(["and"], ["et"]), (["but"], ["mais"]), (["because"], ["parce", "que"]),
                (["when"], ["quand"]), (["while"], ["pendant", "que"]), (["so"], ["alors"]),
                (["or"], ["ou"])]
# Prepositions: English words, French words, allowed object kinds.
LOCATIVE = [
    (["in"], ["dans"], ("place", "thing")), (["on"], ["sur"], ("thing",)),
    (["under"], ["sous"], ("thing",)), (["near"], ["près", "de"], "any"),
    (["behind"], ["derrière"], "any"), (["in", "front", "of"], ["devant"], "any"),
    (["next", "to"], ["à", "côté", "de"], "any"),
]
COMPANION = [(["with"], ["avec"], ANIMATE + ("thing",)), (["without"], ["sans"], ANIMATE + ("thing",)),
             (["for"], ["pour"], ANIMATE)]
MOTION = [(["to"], ["à"], ("place",)), (["from"], ["de"], ("place",))]

VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")
MUTE_H = {"homme", "hommes", "hôtel", "hôtels", "hôpital", "hôpitaux", "histoire", "histoires",
          "heureux", "heureuse", "heureuses"}
ELISION = {"je": "j'", "me": "m'", "le": "l'", "la": "l'", "ne": "n'", "que": "qu'", "de": "d'"}
CONTRACTION = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}


def vowel_sound(word):
    return word[:1] in VOWELS or word in MUTE_H


def english_plural(word):
    if word.endswith(("s", "sh", "ch", "x")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def english_3s(base):
    first, *rest = base.split(" ")
    if first in ("go", "do"):
        first += "es"
    else:
        first = english_plural(first)
    return " ".join([first] + rest)


def french_adjective(entry, gender, number):
    _, m, f, mp, fp, _ = entry
    if f is None:
        f = m if m.endswith("e") else (m[:-3] + "euse" if m.endswith("eux") else m + "e")
    if mp is None:
        mp = m if m.endswith(("s", "x")) else m + "s"
    if fp is None:
        fp = f + "s"
    return {("m", "sg"): m, ("f", "sg"): f, ("m", "pl"): mp, ("f", "pl"): fp}[(gender, number)]


class Noun:
    def __init__(self, entry):
        en, en_pl, fr, fr_pl, self.gender, self.kind = entry
        self.en = {"sg": en, "pl": en_pl or english_plural(en)}
        self.fr = {"sg": fr, "pl": fr_pl or (fr if fr.endswith(("s", "x")) else fr + "s")}


NOUN_LIST = [Noun(e) for e in NOUNS]
NOUNS_BY_KIND = {}
for _n in NOUN_LIST:
    NOUNS_BY_KIND.setdefault(_n.kind, []).append(_n)


def nouns_of(kinds):
    if kinds == "any":
        return NOUN_LIST
    return [n for k in kinds for n in NOUNS_BY_KIND.get(k, [])]


# --------------------------------------------------------------------------------------------
# Phrases with alignment marks
# --------------------------------------------------------------------------------------------

class Phrase:
    """English and French token lists plus noun–adjective marks with indices into them.

    Every mark is a dict with en_adj, en_noun, fr_adj, fr_noun (token indices) and order
    ("after": French adjective after the noun, crossing the English order; "before").
    """

    def __init__(self, en=(), fr=(), marks=()):
        self.en, self.fr, self.marks = list(en), list(fr), [dict(m) for m in marks]

    def __add__(self, other):
        if isinstance(other, tuple):
            other = Phrase(*other)
        shifted = [dict(m, en_adj=m["en_adj"] + len(self.en), en_noun=m["en_noun"] + len(self.en),
                        fr_adj=m["fr_adj"] + len(self.fr), fr_noun=m["fr_noun"] + len(self.fr))
                   for m in other.marks]
        return Phrase(self.en + other.en, self.fr + other.fr, self.marks + shifted)

    def fr_replace_first(self, token):
        """Replace the first French token by `token` (None: drop it), keeping marks right."""
        if token is not None:
            return Phrase(self.en, [token] + self.fr[1:], self.marks)
        marks = [dict(m, fr_adj=m["fr_adj"] - 1, fr_noun=m["fr_noun"] - 1) for m in self.marks]
        return Phrase(self.en, self.fr[1:], marks)


def join(*parts):
    out = Phrase()
    for p in parts:
        out = out + p
    return out


def with_preposition(prep_en, prep_fr, np):
    """Preposition + noun phrase, with French contraction (du, des, au, aux; de + des → de)."""
    last, first = prep_fr[-1], np.fr[0]
    if (last, first) in CONTRACTION and not (first == "le" and vowel_sound(np.fr[1])):
        return join((prep_en, prep_fr[:-1]), np.fr_replace_first(CONTRACTION[(last, first)]))
    if last == "de" and first == "des":
        return join((prep_en, prep_fr), np.fr_replace_first(None))
    return join((prep_en, prep_fr), np)


def elide(tokens):
    """French elision before a vowel sound (le → l', je → j', que → qu', ...)."""
    out = list(tokens)
    for i in range(len(out) - 1):
        if out[i] in ELISION and vowel_sound(out[i + 1]):
            out[i] = ELISION[out[i]]
    return out


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------

class Generator:
    def __init__(self, rng, budget):
        self.rng = rng
        self.budget = budget  # rough number of English words wanted; steers optional parts

    def chance(self, p_long, used):
        """Probability of adding an optional part, higher when there is room left."""
        room = self.budget - used
        if room <= 0:
            return False
        return self.rng.random() < min(p_long, room / 18)

    # noun phrases -----------------------------------------------------------------------------

    def noun_phrase(self, kinds="any", used=0, depth=0, allow_mods=True):
        """Returns (Phrase, gender, number)."""
        rng = self.rng
        noun = rng.choice(nouns_of(kinds))
        mass = noun.kind == "mass"
        det_kind = rng.choice(["the", "the", "the", "a", "poss", "this", "num", "some", "many"])
        if mass and det_kind in ("a", "num", "some", "many"):
            det_kind = "the"
        number = "pl" if det_kind in ("num", "some", "many") else ("sg" if det_kind == "a" or mass else
                                                                    rng.choice(["sg", "sg", "pl"]))
        g = noun.gender
        pre = post = None
        if self.chance(0.5, used + 2) and rng.random() < 0.45:
            pre = rng.choice([a for a in ADJECTIVES if a[5] and adjective_fits(a, noun.kind)])
        if self.chance(0.8, used + 2) and rng.random() < 0.7:
            post = rng.choice([a for a in ADJECTIVES if not a[5] and adjective_fits(a, noun.kind)])
        noun_fr = noun.fr[number]
        pre_fr = french_adjective(pre, g, number) if pre else None
        if pre_fr and g == "m" and number == "sg" and vowel_sound(noun_fr) and pre_fr in ADJ_VOWEL_FORM:
            pre_fr = ADJ_VOWEL_FORM[pre_fr]
        first_fr = pre_fr or noun_fr  # the French word after the determiner
        en_words = ([pre[0]] if pre else []) + ([post[0]] if post else []) + [noun.en[number]]
        # determiner
        if det_kind == "the":
            det_en = ["the"]
            det_fr = ["les"] if number == "pl" else ["le" if g == "m" else "la"]
        elif det_kind == "a":
            det_en = ["an" if en_words[0][0] in "aeiou" else "a"]
            det_fr = ["un" if g == "m" else "une"]
        elif det_kind == "poss":
            word = rng.choice(list(POSSESSIVES))
            m, f, pl = POSSESSIVES[word]
            det_en = [word]
            if number == "pl":
                det_fr = [pl]
            else:
                det_fr = [m if g == "m" or vowel_sound(first_fr) else f]
        elif det_kind == "this":
            det_en = ["these" if number == "pl" else "this"]
            if number == "pl":
                det_fr = ["ces"]
            elif g == "f":
                det_fr = ["cette"]
            else:
                det_fr = ["cet" if vowel_sound(first_fr) else "ce"]
        elif det_kind == "num":
            word = rng.choice(list(NUMBERS))
            det_en, det_fr = [word], [NUMBERS[word]]
        elif det_kind == "some":
            det_en, det_fr = ["some"], ["des"]
        else:
            det_en, det_fr = ["many"], ["beaucoup", "de"]
        en = det_en + en_words
        fr = det_fr + ([pre_fr] if pre else []) + [noun_fr] + (
            [french_adjective(post, g, number)] if post else [])
        marks = []
        noun_en_i, noun_fr_i = len(en) - 1, len(det_fr) + (1 if pre else 0)
        if pre:
            marks.append({"en_adj": len(det_en), "en_noun": noun_en_i, "fr_adj": len(det_fr),
                          "fr_noun": noun_fr_i, "order": "before"})
        if post:
            marks.append({"en_adj": len(det_en) + (1 if pre else 0), "en_noun": noun_en_i,
                          "fr_adj": noun_fr_i + 1, "fr_noun": noun_fr_i, "order": "after"})
        np = Phrase(en, fr, marks)
        used += len(en)
        if allow_mods and depth < 2:
            r = rng.random()
            if noun.kind not in ANIMATE and noun.kind != "mass" and self.chance(0.35, used + 3) and r < 0.3:
                owner, _, _ = self.noun_phrase(ANIMATE, used + 1, depth + 1)
                np = np + with_preposition(["of"], ["de"], owner)
            elif self.chance(0.6, used + 3) and r < 0.75:
                np = np + self.relative_clause(noun, number, used, depth + 1)
        return np, g, number

    def relative_clause(self, noun, number, used, depth):
        rng = self.rng
        word = rng.choice(["that", "who"] if noun.kind == "person" else ["that", "which"])
        person = "3s" if number == "sg" else "3p"
        if noun.kind in ANIMATE and rng.random() < 0.6:
            # subject relative: the cat that sees the dog → le chat qui voit le chien
            return join(([word], ["qui"]), self.predicate(person, used + 1, depth, noun.gender, noun.kind))
        # object relative: the dog that the cat sees → le chien que le chat voit
        verbs = [v for v in TRANSITIVE if v[2] == "any" or noun.kind in v[2]]
        subj, s_person, _, _ = self.subject(used + 1, depth)
        verb = rng.choice(verbs)
        return join(([word], ["que"]), subj, self.verb_group(verb, s_person, None, negate=self.negation()))

    # clauses ----------------------------------------------------------------------------------

    def subject(self, used, depth):
        """Returns (Phrase, person, gender, is_pronoun)."""
        rng = self.rng
        if rng.random() < 0.35:
            en = rng.choice(list(SUBJECT_PRONOUNS))
            fr, person, g = SUBJECT_PRONOUNS[en]
            return Phrase([en], [fr]), person, g, True
        np, g, number = self.noun_phrase(ANIMATE, used, depth)
        if self.chance(0.3, used + len(np.en) + 3) and rng.random() < 0.25:
            np2, g2, _ = self.noun_phrase(ANIMATE, used + len(np.en) + 1, depth + 1)
            return join(np, (["and"], ["et"]), np2), "3p", ("f" if g == g2 == "f" else "m"), False
        return np, ("3s" if number == "sg" else "3p"), g, False

    def negation(self):
        r = self.rng.random()
        if r < 0.15:
            return "not"
        if r < 0.2:
            return "never"
        return None

    def verb_group(self, verb, person, obj, negate=None, adverb=None):
        """English and French of [negation/adverb] verb [object].

        `obj` is None (no object or object placed elsewhere), ("pron", english) or
        ("np", Phrase)."""
        rng = self.rng
        en_verb, inf = verb[0], verb[1]
        fr_verb = conjugate(inf)[PERSONS.index(person)]
        third = person == "3s"
        if negate == "not":
            aux = ("does" if third else "do")
            neg_en = [aux + "n't"] if rng.random() < 0.3 else [aux, "not"]
            en = neg_en + en_verb.split(" ")
        elif negate == "never":
            en = ["never"] + (english_3s(en_verb) if third else en_verb).split(" ")
        else:
            en = ([adverb] if adverb else []) + (english_3s(en_verb) if third else en_verb).split(" ")
        fr_pron = []
        tail = Phrase()
        if obj is not None and obj[0] == "pron":
            en = en + [obj[1]]
            fr_pron = [OBJECT_PRONOUNS[obj[1]][0]]
        elif obj is not None:
            tail = obj[1]
        if negate:
            fr = ["ne"] + fr_pron + [fr_verb, "pas" if negate == "not" else "jamais"]
        else:
            fr = fr_pron + [fr_verb] + ([FREQUENCY[adverb]] if adverb else [])
        return join((en, fr), tail)

    def predicate(self, person, used, depth, subject_gender="m", subject_kind="person"):
        """Everything after the subject (a verb phrase), agreeing with `person`."""
        rng = self.rng
        negate = self.negation()
        adverb = None if negate or rng.random() < 0.85 else rng.choice(list(FREQUENCY))
        r = rng.random()
        if r < 0.55:  # transitive
            verb = rng.choice(TRANSITIVE)
            if (verb[2] == "any" or "person" in verb[2]) and rng.random() < 0.35:
                choices = [p for p, (_, _, pp) in OBJECT_PRONOUNS.items() if pp != person]
                body = self.verb_group(verb, person, ("pron", rng.choice(choices)), negate, adverb)
            else:
                np, _, _ = self.noun_phrase(verb[2], used + 2, depth)
                body = self.verb_group(verb, person, ("np", np), negate, adverb)
            motion = False
        elif r < 0.8:  # intransitive
            verb = rng.choice(INTRANSITIVE)
            body = self.verb_group(verb, person, None, negate, adverb)
            motion = verb[2]
        else:  # to be + adjective or place
            return self.copula(person, subject_gender, subject_kind, used, depth)
        used += len(body.en)
        if self.chance(0.5, used + 3) and rng.random() < 0.6:
            body = body + self.prep_phrase(motion, used, depth)
            used = self.budget if len(body.en) > 12 else used + 3
        if self.chance(0.3, used + 1) and rng.random() < 0.25:
            en, fr = rng.choice(END_ADVERBS)
            body = body + (en, fr)
        return body

    def copula(self, person, gender, kind, used, depth):
        rng = self.rng
        en_be = {"1s": "am", "3s": "is", "1p": "are", "2p": "are", "3p": "are"}[person]
        fr_be = conjugate("être")[PERSONS.index(person)]
        negate = rng.random() < 0.15
        en = [en_be] + (["not"] if negate else [])
        fr = (["ne", fr_be, "pas"] if negate else [fr_be])
        if rng.random() < 0.6:
            adj = rng.choice([a for a in ADJECTIVES if adjective_fits(a, kind)])
            number = "sg" if person in ("1s", "3s") else "pl"
            return Phrase(en + [adj[0]], fr + [french_adjective(adj, gender, number)])
        prep_en, prep_fr, kinds = rng.choice(LOCATIVE)
        np, _, _ = self.noun_phrase(kinds, used + 2, depth)
        return join((en, fr), with_preposition(prep_en, prep_fr, np))

    def prep_phrase(self, motion, used, depth):
        rng = self.rng
        options = LOCATIVE + COMPANION + (MOTION if motion else [])
        prep_en, prep_fr, kinds = rng.choice(options)
        if kinds != ("place",) and rng.random() < 0.15:
            pron = rng.choice(list(OBJECT_PRONOUNS))
            return Phrase(prep_en + [pron], prep_fr + [OBJECT_PRONOUNS[pron][1]])
        np, _, _ = self.noun_phrase(kinds, used + len(prep_en), depth + 1)
        return with_preposition(prep_en, prep_fr, np)

    def clause(self, used):
        rng = self.rng
        if rng.random() < 0.07:
            # there is / there are + noun phrase + place → il y a ...
            np, _, number = self.noun_phrase(("person", "animal", "thing", "food"), used + 2, 1)
            prep_en, prep_fr, kinds = rng.choice(LOCATIVE)
            place, _, _ = self.noun_phrase(kinds, used + 4 + len(np.en), 2)
            return join((["there", "is" if number == "sg" else "are"], ["il", "y", "a"]), np,
                        with_preposition(prep_en, prep_fr, place))
        subj, person, gender, _ = self.subject(used, 0)
        return subj + self.predicate(person, used + len(subj.en), 0, subject_gender=gender)

    def sentence(self):
        out = self.clause(0)
        while len(out.en) < self.budget - 2:
            en, fr = self.rng.choice(CONJUNCTIONS)
            out = join(out, (en, fr), self.clause(len(out.en) + 1))
        return out


# --------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------

MAX_SOURCE_WORDS = 40   # generated sentences have at most this many English words
MAX_TARGET_WORDS = 60   # ... and at most this many French tokens
BUCKETS = [(1, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 30), (31, 35), (36, 40)]


def split_of_sentence(en_text):
    h = int.from_bytes(hashlib.blake2b(en_text.encode(), digest_size=8).digest(), "big") % 100
    if h < 10:
        return "test"
    if h < 15:
        return "validation"
    return "train"


def generate(rng, budget=None):
    """One sentence pair (any split) as a dict; budget = rough English length wanted."""
    while True:
        gen = Generator(rng, budget if budget is not None else rng.randint(2, MAX_SOURCE_WORDS))
        p = gen.sentence()
        fr = elide(p.fr)
        if len(p.en) <= MAX_SOURCE_WORDS and len(fr) <= MAX_TARGET_WORDS:
            return {"source": " ".join(p.en), "target": detokenize(fr), "source_tokens": p.en,
                    "target_tokens": fr, "marks": p.marks}


def sample(rng, split, budget=None):
    while True:
        ex = generate(rng, budget)
        if split_of_sentence(ex["source"]) == split:
            return ex


def bucket_of(n_words):
    for lo, hi in BUCKETS:
        if lo <= n_words <= hi:
            return f"{lo}-{hi}"
    raise ValueError(n_words)


def make_set(seed, split, per_bucket):
    """`per_bucket` examples for every length bucket, from their own seeded generator."""
    rng = random.Random(f"grammar/{split}/{seed}")
    out = {f"{lo}-{hi}": [] for lo, hi in BUCKETS}
    while any(len(v) < per_bucket for v in out.values()):
        missing = [k for k, v in out.items() if len(v) < per_bucket]
        lo, hi = map(int, rng.choice(missing).split("-"))
        ex = sample(rng, split, budget=rng.randint(max(2, lo - 1), hi))
        b = out[bucket_of(len(ex["source_tokens"]))]
        if len(b) < per_bucket:
            b.append(ex)
    return [ex for v in out.values() for ex in v]


def detokenize(tokens):
    """French text: tokens joined by spaces, except after an elided word ending in an apostrophe."""
    text = ""
    for i, t in enumerate(tokens):
        text += t
        if i + 1 < len(tokens) and not t.endswith("'"):
            text += " "
    return text


# --------------------------------------------------------------------------------------------
# Vocabularies (enumerated from the lexicon, so they do not depend on a sample)
# --------------------------------------------------------------------------------------------

def source_words():
    words = set(SUBJECT_PRONOUNS) | set(OBJECT_PRONOUNS) | set(POSSESSIVES) | set(NUMBERS) | set(FREQUENCY)
    words |= {"the", "a", "an", "this", "these", "some", "many", "of", "that", "who", "which", "and",
              "do", "does", "not", "don't", "doesn't", "never", "am", "is", "are", "there"}
    for n in NOUN_LIST:
        words |= set(n.en.values())
    words |= {a[0] for a in ADJECTIVES}
    for v in TRANSITIVE + INTRANSITIVE:
        words |= set(v[0].split(" ")) | set(english_3s(v[0]).split(" "))
    for group in (END_ADVERBS, CONJUNCTIONS):
        for en, _ in group:
            words |= set(en)
    for en, _, _ in LOCATIVE + COMPANION + MOTION:
        words |= set(en)
    return sorted(words)


def target_words():
    words = {fr for fr, _, _ in SUBJECT_PRONOUNS.values()}
    for a, b, _ in OBJECT_PRONOUNS.values():
        words |= {a, b}
    for forms in POSSESSIVES.values():
        words |= set(forms)
    words |= set(NUMBERS.values()) | set(FREQUENCY.values()) | set(CONTRACTION.values())
    words |= {"le", "la", "les", "un", "une", "ce", "cet", "cette", "ces", "des", "beaucoup", "de",
              "qui", "que", "ne", "pas", "jamais", "il", "y", "a"}
    for n in NOUN_LIST:
        words |= set(n.fr.values())
    for a in ADJECTIVES:
        words |= {french_adjective(a, g, num) for g in "mf" for num in ("sg", "pl")}
    words |= set(ADJ_VOWEL_FORM.values())
    for v in TRANSITIVE + INTRANSITIVE + [("be", "être")]:
        words |= set(conjugate(v[1]))
    for group in (END_ADVERBS, CONJUNCTIONS):
        for _, fr in group:
            words |= set(fr)
    for _, fr, _ in LOCATIVE + COMPANION + MOTION:
        words |= set(fr)
    words |= set(ELISION.values())
    return sorted(words)


if __name__ == "__main__":
    import collections
    rng = random.Random(1)
    for _ in range(12):
        ex = generate(rng, rng.randint(2, 25))
        print(ex["source"])
        print("   ", ex["target"])
    lengths = collections.Counter(bucket_of(len(generate(rng)["source_tokens"])) for _ in range(3000))
    print(sorted(lengths.items()))
    print("source words", len(source_words()), "target words", len(target_words()))
