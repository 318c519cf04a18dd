"""Fine-tuning the review's reader (``assistant.review.encoder``): the embedding model's top layers and
three softmax heads (factor, stance, joint), trained together on the labelled proposal sentences.

The layers below the tuned ones stay as they are, so their output is computed once per sentence and
only the top layers run in each step (about three times faster than tuning every layer, and as accurate
on held-out writers). Seeded: the same data gives the same layers up to float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.index.embeddings import load_sentence_transformer
from assistant.learning.tuning import (
    ENCODER_BATCH,
    ENCODER_EPOCHS,
    ENCODER_HEAD_RATE,
    ENCODER_LAYERS,
    ENCODER_RATE,
    ENCODER_WARMUP,
    SEED,
)
from assistant.review.encoder import HEADS, TunedLayers, pooled, run_layers
from assistant.review.model import EMBEDDING_SCALE

MAX_TOKENS = 128
"""Longer sentences are cut (the reader at run time reads up to the model's own limit)."""


def fine_tune(
    base: str, texts: Sequence[str], labels: Sequence[np.ndarray], classes: Sequence[int]
) -> TunedLayers:
    """Tune the top ``ENCODER_LAYERS`` layers of the embedding model ``base`` and a head per entry of
    ``HEADS`` (``labels[i]``: each text's class among ``classes[i]``), minimising the sum of the heads'
    cross-entropies with AdamW, a warm-up and a linear decay."""
    import torch

    torch.manual_seed(SEED)
    model = load_sentence_transformer(base)  # a fresh copy: its top layers are trained in place
    bert, tokenizer = model[0].auto_model, model[0].tokenizer
    first = len(bert.encoder.layer) - ENCODER_LAYERS
    states, masks = _lower_states(bert, tokenizer, texts, first)
    layers = bert.encoder.layer[first:]
    heads = torch.nn.ModuleList(torch.nn.Linear(bert.config.hidden_size, count) for count in classes)
    targets = [torch.as_tensor(np.asarray(label), dtype=torch.long) for label in labels]
    batches = len(texts) // ENCODER_BATCH
    steps = ENCODER_EPOCHS * batches
    optimiser = torch.optim.AdamW(
        [
            {"params": layers.parameters(), "lr": ENCODER_RATE},
            {"params": heads.parameters(), "lr": ENCODER_HEAD_RATE},
        ],
        weight_decay=0.01,
    )
    warmup = max(1, int(ENCODER_WARMUP * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)
    )
    order = np.random.default_rng(SEED)
    layers.train()
    for _epoch in range(ENCODER_EPOCHS):
        shuffled = order.permutation(len(texts))
        for batch in range(batches):
            rows = torch.as_tensor(shuffled[batch * ENCODER_BATCH : (batch + 1) * ENCODER_BATCH])
            embedded = _top(layers, states[rows], masks[rows])
            loss = sum(
                torch.nn.functional.cross_entropy(head(embedded), target[rows])
                for head, target in zip(heads, targets, strict=True)
            )
            optimiser.zero_grad()
            loss.backward()  # type: ignore[union-attr]
            optimiser.step()
            schedule.step()
    tuned = {
        f"encoder.layer.{first + index}.{name}": value.detach().numpy().copy()
        for index, layer in enumerate(layers)
        for name, value in layer.state_dict().items()
    }
    weights = {
        name: np.vstack([linear.weight.detach().numpy().T, linear.bias.detach().numpy()[None]])
        for name, linear in zip(HEADS, heads, strict=True)
        if isinstance(linear, torch.nn.Linear)
    }
    return TunedLayers(base, tuned, weights)


def _lower_states(bert: Any, tokenizer: Any, texts: Sequence[str], first: int) -> tuple[Any, Any]:
    """The output of the untuned layers (below layer ``first``) for every text, padded to the longest, and
    the texts' attention masks."""
    import torch

    encoded = tokenizer(
        list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
    )
    states = []
    bert.eval()
    with torch.no_grad():
        for start in range(0, len(texts), 128):
            window = slice(start, start + 128)
            output = bert(
                input_ids=encoded["input_ids"][window],
                attention_mask=encoded["attention_mask"][window],
                output_hidden_states=True,
            )
            states.append(output.hidden_states[first])
    return torch.cat(states), encoded["attention_mask"]


def _top(layers: Any, states: Any, mask: Any) -> Any:
    """The tuned layers over a batch of lower states, pooled as the embedding model pools, scaled as the
    heads read it."""
    length = int(mask.sum(dim=1).max())
    hidden, mask = states[:, :length], mask[:, :length]
    return EMBEDDING_SCALE * pooled(run_layers(layers, hidden, mask), mask)
