"""Settings of the learned models: fixed before training, the same for every run (seeded)."""

SEED = 0

ADAPTER_RANK = 32
"""Rank of the query adapter ``q + q·U·V``: small, so it learns a few directions of meaning, not the
corpus."""

ADAPTER_DECAY = 1e-2
"""Weight of the penalty on ``|U·V|²``: keeps the adapted question near the model's own vector."""

ADAPTER_EPOCHS = 30
ADAPTER_BATCH = 128
ADAPTER_LEARNING_RATE = 2e-3

TEMPERATURE = 0.05
"""Softmax temperature of the contrastive loss over all passages."""

HUB_NEIGHBOURS = 10
HUB_WEIGHT = 0.5
"""Hubness correction (cross-domain similarity local scaling): a passage's score is its cosine less
``HUB_WEIGHT`` times its mean cosine to its ``HUB_NEIGHBOURS`` nearest training questions. Passages the
training questions crowd around lose their pull; a new document's passages are not pushed aside."""

MIN_QUOTE_WORDS = 5
"""Self-supervised questions: sentences of at least this many words (and every section heading)."""

FOLDS = 5
"""The adapter is cross-fitted over this many folds of the questions to give the ranker honest signals."""

RANKER_EPOCHS = 200
RANKER_DECAY = 1e-3
"""Full-batch steps and L2 weight of the ranker (seven weights: nothing to overfit)."""

SELECTOR_DECAY = 1.0
"""L2 weight of the sentence selector's logistic regression (14 weights). On 3,171 training questions,
each scored by a model fitted on the other writers' files (five folds of files, adapters also trained
without them), the sentences chosen held 0.716 of the quotes at 0.1, 0.716 at 1 and 0.711 at 10
(whole passages in order: 0.685; better in each fold)."""

SCOPE_DECAY = 1e-2
"""L2 weight of the scope model's logistic regression."""

SCOPE_DIRECTION_DECAY = 1.0
"""L2 weight of the adapter's scope direction (a logistic regression over question vectors, one of the
scope model's signals). Chosen by cross-validation with each training file (a writer) held out whole:
Youden's J of the scope model 0.840 without the direction; with it 0.881 at 0.3, 0.877 at 1, 0.868
at 10 (random 5-fold: 0.857 without, 0.897 at 1, 0.892 at 10)."""

REVIEW_DECAY = 3e-4
"""L2 weight of the review classifiers, chosen by leave-one-file-out cross-validation (each training
file, a writer, scored by models trained on the others; 3,683 sentences): stance accuracy 0.832 at
1e-2, 0.858 at 3e-3, 0.874 at 1e-3, 0.884 at 3e-4, 0.885 at 1e-4; factor accuracy 0.597, 0.645,
0.647, 0.650, 0.648. With 4,275 sentences, at 3e-4: stance 0.876, factor 0.722. With today's 5,575,
each file judged by models trained without its fold of files (five folds): stance 0.863, factor 0.671."""

REVIEW_TOLERANCE = 1e-6
"""The review classifiers' fits stop when an L-BFGS step lowers the loss by less than this share: on the
joint model a quarter faster than scipy's default (2.2e-9), its probabilities within 0.0075 of it and
every sentence's most probable class the same."""

MIN_WORD_COUNT = 3
"""A word or word pair is a review feature when at least this many training texts contain it."""

ENCODER_LAYERS = 2
"""Top layers of the embedding model the review's reader tunes (``learning.encoder``). Writers' fold 0
held out (1,318 sentences): tuning the top two, 8 epochs, factor / stance / joint accuracy 0.704 / 0.886
/ 0.706 against the logistic models' 0.643 / 0.865 / 0.629; the two averaged 0.700 / 0.910 / 0.706."""

ENCODER_EPOCHS = 6
"""Passes over the labelled sentences when tuning the reader: on fold 0 the accuracies stopped rising
after the sixth of eight (factor 0.711, stance 0.882, joint 0.713)."""

ENCODER_RATE = 3e-4
"""Peak AdamW learning rate of the tuned layers (1e-4 for 3 epochs left them short: factor 0.583)."""

ENCODER_HEAD_RATE = 1e-3
"""Peak AdamW learning rate of the reader's heads (new weights, from random)."""

ENCODER_BATCH = 32
"""Sentences per step when tuning the reader."""

ENCODER_WARMUP = 0.1
"""Share of the steps over which the learning rates rise to their peak, before a linear decay to zero."""

CALIBRATION_FOLD = 0
"""The writers' fold (``learning.review.writer_folds``) held out of one tuning of the reader so that the
review's scores are calibrated, and its figures measured, on sentences no part of the model saw."""
