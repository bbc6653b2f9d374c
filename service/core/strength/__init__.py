"""How strongly: the commitment a sentence gives its main claim, and how identifiable its source is.

``markers`` (the cues with a level, and the guide's rule), ``sourcing`` (the class of a source,
by rule), ``features`` (both as numbers), ``ordinal`` (the learned ordinal model), ``model``
(the fitted models of one artifact) and ``summary`` (the article figures).
"""
