"""Request and response shapes (pydantic); ``service.web.openapi`` builds the OpenAPI document from them.

Requests are validated by these models; responses are documented by them and the test suite
checks real responses against the generated document, so docs and behaviour cannot drift.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from service.core.vocabulary import CUE_TYPES, LABELS, LEVELS, SOURCING

LabelName = Literal[LABELS]
LevelName = Literal[LEVELS]
SourcingName = Literal[SOURCING]
MAX_SENTENCES_PER_SCORE = 1000
MAX_SENTENCE_CHARS = 5000


class AnalyzeRequest(BaseModel):
    """A news text to analyse."""

    model_config = ConfigDict(extra="ignore")
    text: Optional[StrictStr] = Field(None, description="The article text; line breaks end sentences. Exactly "
                                                    "one of text and html.",
                                      examples=["Syrie : l'armée dément la prise d'Abou Kamal par Daech"])
    html: Optional[StrictStr] = Field(None, description="A web page: its main text and metadata are extracted "
                                                    "(trafilatura); the response's text is what offsets index.")
    lang: StrictStr = Field("auto", description='"fr", "en" or "auto" (detected; for a page, its declared '
                                                'language first).')


class ScoreRequest(BaseModel):
    """Sentences already split by the caller."""

    model_config = ConfigDict(extra="ignore")
    sentences: list[StrictStr] = Field(description=f"Up to {MAX_SENTENCES_PER_SCORE} sentences.")
    lang: StrictStr = Field("auto", description='"fr", "en" or "auto" (detected on all sentences).')
    mode: Literal["full", "fast"] = Field("full", description="fast skips the parse features.")


class FeedbackRequest(BaseModel):
    """A user's correction of one sentence's label."""

    model_config = ConfigDict(extra="ignore")
    text: StrictStr
    lang: StrictStr
    label: LabelName
    context: Optional[StrictStr] = Field(None, description="The surrounding text, kept for reviewers.")


class Scores(BaseModel):
    asserted: float
    attributed: float
    hedged: float
    none: float


class Cue(BaseModel):
    text: str
    type: Literal[CUE_TYPES]
    start: int
    end: int
    main_clause: bool
    lemma: Optional[str] = None
    stance: Optional[str] = None
    subkind: Optional[str] = None


class Span(BaseModel):
    text: str
    start: int
    end: int


class CueSpan(Span):
    lemma: str


class Attribution(BaseModel):
    type: Literal["direct_quote", "indirect", "according_to", "unnamed_source"]
    source: Optional[Span]
    cue: CueSpan
    stance: Literal["neutral", "endorsing", "distancing", "denial"]
    content: Optional[Span]
    main_clause: bool
    sourcing: Optional[SourcingName] = Field(
        None, description="How identifiable this attribution's source is (by rule, from the source span); "
                          "present with a model that has strength models.")


class StrengthCue(BaseModel):
    text: str
    start: int
    end: int
    effect: Literal["lowers", "raises"] = Field(description="Whether the cue lowers the main claim's "
                                                            "commitment below a plain statement or raises it.")


class Strength(BaseModel):
    """How strongly the sentence puts its main claim, and on whose word."""

    commitment: Optional[float] = Field(description="0..1: how firmly the text presents the main claim as true "
                                                    "(the expected level, scaled); null for a `none` sentence.")
    level: Optional[LevelName] = Field(description="doubted < possible < probable < stated < emphatic; null for "
                                                   "a `none` sentence.")
    sourcing: SourcingName = Field(description="How identifiable the main claim's source is; `none`: the "
                                               "author's own claim, or no claim.")
    cues: list[StrengthCue] = Field(description="The markers that move the main claim away from a plain "
                                                "statement (offsets into the request text).")


class SentenceResult(BaseModel):
    index: int
    text: str
    start: int
    end: int
    label: LabelName
    scores: Scores
    cues: list[Cue]
    attributions: list[Attribution]
    degraded: Optional[Literal["long_sentence", "too_many_cues"]] = Field(
        None, description="Present when the sentence was analysed in a reduced way: over 1,500 characters "
                          "(labelled without a parse, lexicon cues, no attributions) or over 40 attribution "
                          "cues (no attributions).")
    strength: Optional[Strength] = Field(None, description="Present with a model that has strength models.")


class SourceSummary(BaseModel):
    name: str
    mentions: list[Span]
    claims: int
    sentences: list[int]
    cues: list[str]
    stances: dict[str, int]


class ClaimAsFact(BaseModel):
    index: int
    text: str
    score: float = Field(description="P(asserted).")
    commitment: Optional[float] = Field(None, description="With strength models, the list is ranked by it.")
    level: Optional[LevelName] = None


class Assertiveness(BaseModel):
    claims: int = Field(description="Sentences that make a claim (label other than none).")
    mean: Optional[float] = Field(description="Mean commitment of the claims; null without claims.")
    median: Optional[float]
    levels: dict[str, int] = Field(description="Claims per level.")


class Summary(BaseModel):
    sentences: int
    counts: dict[str, int]
    shares: dict[str, float]
    sources: list[SourceSummary]
    claims_as_fact: list[ClaimAsFact] = Field(
        description="Claims stated as fact with no source for the main claim; with strength models, the "
                    "strongest first (by commitment), else by P(asserted) (and then an attribution anywhere "
                    "in the sentence excludes it).")
    assertiveness: Optional[Assertiveness] = Field(None, description="Present with strength models.")
    sourcing: Optional[dict[str, float]] = Field(
        None, description="Share of the claims of each sourcing class; present with strength models.")


class ModelRef(BaseModel):
    name: str
    version: str


class Document(BaseModel):
    """Metadata of an analysed web page (null where the page does not say)."""

    title: Optional[str]
    author: Optional[str]
    date: Optional[str] = Field(description="YYYY-MM-DD")
    site_name: Optional[str]
    url: Optional[str] = Field(description="canonical URL")
    lang: Optional[str] = Field(description="the language the page declares")


class AnalyzeResponse(BaseModel):
    lang: Literal["fr", "en"]
    detected: bool = Field(description="true when lang was detected from the text")
    model: ModelRef
    text: Optional[str] = Field(None, description="html requests only: the extracted text")
    document: Optional[Document] = Field(None, description="html requests only")
    sentences: list[SentenceResult]
    summary: Summary


class ScoreResult(BaseModel):
    label: LabelName
    scores: Scores
    strength: Optional[Strength] = Field(None, description="Present with a model that has strength models.")


class ScoreResponse(BaseModel):
    lang: Literal["fr", "en"]
    model: ModelRef
    results: list[ScoreResult]


class ErrorBody(BaseModel):
    code: str
    message: str
    field: Optional[str] = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class HealthResponse(BaseModel):
    status: Literal["ok", "loading", "unavailable"]
    model: Optional[ModelRef] = None


class Job(BaseModel):
    id: str
    state: Literal["queued", "running", "training", "succeeded", "failed"]
    created: str
    finished: Optional[str]
    options: dict
    progress: dict
    errors: list
    version: Optional[str]
    activated: Optional[bool]
    reason: Optional[str]
    metrics: Optional[dict]


class JobResponse(BaseModel):
    job: Job
    rows: Optional[int] = None


class ModelVersion(BaseModel):
    model_config = ConfigDict(extra="allow")
    version: str
    active: bool


class ModelList(BaseModel):
    active: Optional[str]
    serving: Optional[str]
    versions: list[ModelVersion]


class ActivateResponse(BaseModel):
    active: str
    previous: Optional[str]


class DeleteResponse(BaseModel):
    deleted: str


class FeedbackRow(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int
    lang: str
    text: str
    label: str
    count: int
    conflicts: int


class FeedbackResponse(BaseModel):
    status: Literal["created", "duplicate", "updated"]
    feedback: FeedbackRow


class FeedbackList(BaseModel):
    feedback: list[FeedbackRow]


class ModelCard(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    version: str
    created: str
    labels: list[str]
    languages: list[str]
    training_data: dict
    metrics: dict
