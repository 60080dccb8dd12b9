"""Controlled vocabularies and the plain helpers read commands need, with no pydantic import.

A read command (``who-uses``, ``claims`` …) answers from stored records (:mod:`lineage.records`)
without loading pydantic; everything it touches is defined here.  :mod:`lineage.domain` re-exports
them; import them from there in library code.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

ID_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"
"""Kebab-case id; dots are allowed inside version numbers (``kimi-k2.5``).  Check with
``re.fullmatch`` (``$`` alone also matches before a trailing newline)."""

MAX_ID_LENGTH = 80
"""Longest id anywhere (entities, saved-query parameters, slugs of untrusted names)."""


class Status(str, Enum):
    """How well a primary source backs a claim."""

    VERIFIED = "verified"
    """A primary source (the model's own config, report, card or code) states it."""
    CONTRADICTED = "contradicted"
    """A primary source states the opposite."""
    DISPUTED = "disputed"
    """Primary sources disagree with each other."""
    REPORTED = "reported"
    """Only a secondary source (article, third party, derivative) states it."""
    UNVERIFIED = "unverified"
    """Nobody with standing backs it yet."""


class EntityKind(str, Enum):
    """The five kinds of thing the catalog knows."""

    MODEL = "model"
    TECHNIQUE = "technique"
    PAPER = "paper"
    ORGANIZATION = "organization"
    HARDWARE = "hardware"


class TechniqueCategory(str, Enum):
    """Coarse family a technique belongs to."""

    ATTENTION = "attention"
    MOE = "moe"
    OPTIMIZER = "optimizer"
    TRAINING = "training"
    POSITIONAL = "positional"
    INFERENCE = "inference"
    RESIDUAL = "residual"
    PRECISION = "precision"
    ALIGNMENT = "alignment"
    OBJECTIVE = "objective"
    NORMALIZATION = "normalization"
    ACTIVATION = "activation"
    DATA = "data"
    SYSTEMS = "systems"
    """Parallelism, memory and training systems."""


STATUS_RANK = {
    Status.VERIFIED: 0,
    Status.DISPUTED: 1,
    Status.REPORTED: 2,
    Status.UNVERIFIED: 3,
    Status.CONTRADICTED: 4,
}
"""The one status order, strongest support first: verified > disputed > reported > unverified > contradicted.

A claim a primary source contradicts is backed least of all (weaker than a claim nobody has checked), so
``--min-status reported`` keeps verified, disputed and reported claims and never a contradicted one; lists
that sort by status put contradicted claims last; a conclusion drawn through a contradicted link is
contradicted (:func:`lineage.questions.status.weakest`)."""

WEAKEST = max(STATUS_RANK, key=STATUS_RANK.__getitem__)
"""The weakest status (contradicted): a ``min_status`` of it keeps every row."""

STATUS_ORDER = " > ".join(s.value for s in sorted(STATUS_RANK, key=STATUS_RANK.__getitem__))
"""``verified > disputed > reported > unverified > contradicted``: the order as help texts write it."""


class SourceKind(str, Enum):
    """Whether a source speaks for the model it describes."""

    PRIMARY = "primary"
    """The model's own config, card, report or code, as its publisher released it."""
    SECONDARY = "secondary"
    """Articles, third parties, derivatives (quantizations, mirrors that changed values)."""


class Method(str, Enum):
    """How a piece of evidence was obtained."""

    CONFIG = "config"
    """Read from a model config's keys by lineage's key rules (:mod:`lineage.ingest.config.detect`)."""
    META_DEVICE = "meta-device"
    """Read from a model config through the library that defines it: transformers builds the model on the
    meta device (shapes, no weights) and its modules are counted and inspected."""
    TEXT = "text"
    CITATION = "citation"
    CARD = "card"
    MEASUREMENT = "measurement"
    CURATED = "curated"
    METADATA = "metadata"
    """Read from where and when a source was published, not from its content (a repo's creation date)."""


CONFIG_METHODS = frozenset({Method.CONFIG, Method.META_DEVICE})
"""Methods whose evidence is a model config (its keys, or the modules its library builds from it)."""


class Predicate(str, Enum):
    """What a claim says about its subject.  Values are the RDF local names."""

    USES = "uses"
    MENTIONS = "mentions"
    ARCHITECTURE = "architecture"
    MODEL_TYPE = "modelType"
    TOTAL_PARAMETERS = "totalParameters"
    ACTIVE_PARAMETERS = "activeParameters"
    MTP_PARAMETERS = "mtpParameters"
    KV_BYTES_PER_TOKEN = "kvBytesPerToken"
    CONTEXT_LENGTH = "contextLength"
    ROUTED_EXPERTS = "routedExperts"
    SHARED_EXPERTS = "sharedExperts"
    EXPERTS_PER_TOKEN = "expertsPerToken"
    LAYERS = "layers"
    HIDDEN_SIZE = "hiddenSize"
    UNRECOGNISED_CONFIG_KEY = "unrecognisedConfigKey"
    INTRODUCED_BY = "introducedBy"
    INTRODUCED_IN = "introducedIn"
    FIRST_APPEARED = "firstAppeared"
    DEVELOPED_BY = "developedBy"
    RELEASED = "released"
    DERIVED_FROM = "derivedFrom"
    PUBLISHED_BY = "publishedBy"
    TRAINED_ON = "trainedOn"
    SERVED_ON = "servedOn"
    SUPPORTS_HARDWARE = "supportsHardware"
    OPTIMIZED_FOR = "optimizedFor"
    TRAINING_TOKENS = "trainingTokens"
    GPU_HOURS = "gpuHours"
    CITES = "cites"
    BENCHMARK_SCORE = "benchmarkScore"
    API_COST_RATIO = "apiCostRatio"
    INFERENCE_FLOPS_RATIO = "inferenceFlopsRatio"
    KV_CACHE_RATIO = "kvCacheRatio"
    VARIANT_OF = "variantOf"
    EXTENDS = "extends"
    SIMPLIFIES = "simplifies"
    COMBINES = "combines"
    REPLACES = "replaces"
    CONTRASTS_WITH = "contrastsWith"
    COMPONENT_OF = "componentOf"


class Derivation(str, Enum):
    """How a model was made from another (``derivedFrom``'s ``relation`` qualifier): the Hub's
    ``base_model_relation`` values and distillation."""

    QUANTIZED = "quantized"
    """The base's weights stored in another number format (NVFP4, FP8, GPTQ, AWQ, GGUF …)."""
    FINETUNE = "finetune"
    """The base trained further (instruction tuning, continued pre-training, domain tuning)."""
    ADAPTER = "adapter"
    """Extra weights (LoRA …) applied on top of the unchanged base."""
    MERGE = "merge"
    """Weights combined from several models."""
    DISTILL = "distill"
    """Trained on the base's outputs (the base is the teacher)."""


DERIVATIONS = frozenset(d.value for d in Derivation)
"""The ``relation`` values of a derivation (other ``derivedFrom`` claims, such as a catalog
``predecessor``, name a family's earlier model, not a base)."""

COPY_DERIVATIONS = frozenset({Derivation.QUANTIZED.value, Derivation.ADAPTER.value, Derivation.MERGE.value})
"""Derivations that make a copy of the base whoever publishes it: no new training."""


def is_derivative(relation: str | None, organization: str | None, base_organization: str | None) -> bool:
    """Whether a model ``derivedFrom`` a base with ``relation`` is a derivative rather than a model of its own.

    A derivative's architecture is its base's: it never adopts the base's techniques, and its
    publisher never becomes a lab that reuses them.  A quantization, adapter or merge always is one;
    a fine-tune or distillation is one unless the base's own lab publishes both (or neither lab is known) (a lab's instruct
    or chat release is a member of its family, counted as a model).  The one place that decides it.

    >>> is_derivative("quantized", "nvidia", "deepseek"), is_derivative("quantized", "qwen", "qwen")
    (True, True)
    >>> is_derivative("finetune", "google", "google"), is_derivative("finetune", "nous", "meta")
    (False, True)
    >>> is_derivative("predecessor", "deepseek", "deepseek"), is_derivative("finetune", None, None)
    (False, False)
    """
    if relation not in DERIVATIONS:
        return False
    if relation in COPY_DERIVATIONS:
        return True
    return organization != base_organization


IDEA_RELATIONS = (
    Predicate.EXTENDS,
    Predicate.VARIANT_OF,
    Predicate.SIMPLIFIES,
    Predicate.COMBINES,
    Predicate.REPLACES,
    Predicate.CONTRASTS_WITH,
    Predicate.COMPONENT_OF,
)
"""Technique -> technique relations (idea lineage), strongest link first.

``extends``, ``variantOf``, ``simplifies``, ``combines`` and ``componentOf`` point from the
newer idea to the one it builds on; ``replaces`` from the idea that took another's place (in a
model family or a design); ``contrastsWith`` from an idea to the one it was designed against.
"""

IdeaRelation = Literal["extends", "variantOf", "simplifies", "combines", "replaces", "contrastsWith", "componentOf"]
"""The seed spelling of :data:`IDEA_RELATIONS` (the Predicate values)."""


ENTITY_PREDICATES = {
    Predicate.USES,
    Predicate.MENTIONS,
    Predicate.INTRODUCED_BY,
    Predicate.INTRODUCED_IN,
    Predicate.DEVELOPED_BY,
    Predicate.DERIVED_FROM,
    Predicate.PUBLISHED_BY,
    Predicate.TRAINED_ON,
    Predicate.SERVED_ON,
    Predicate.SUPPORTS_HARDWARE,
    Predicate.OPTIMIZED_FOR,
    Predicate.CITES,
    *IDEA_RELATIONS,
}
"""Predicates whose object is a catalog entity rather than a literal value."""

HARDWARE_PREDICATES = (Predicate.TRAINED_ON, Predicate.SERVED_ON, Predicate.SUPPORTS_HARDWARE, Predicate.OPTIMIZED_FOR)
"""Predicates that tie a model to an accelerator (the object is a hardware id)."""


FETCH_HINT = "(text not shipped)"
"""What a table shows for a quote of a report or card whose text the release does not ship."""

FETCH_NOTE = "(text not shipped): 'lineage release fetch' brings the reports and cards and shows their quotes."
"""The one line under a table that showed :data:`FETCH_HINT` (evidence whose text the release replaced by a
span, until the document is fetched)."""


def human(n: float) -> str:
    """1_234_000_000 -> '1.23B' (T, B, M, K; three significant digits)."""
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n:g}"
