"""The zhner-bilstm-crf network (SPEC.md §4-§6)."""
import torch
from torch import nn

from .crf import CRF


class ZhNerModel(nn.Module):
    def __init__(self, cfg, n_chars, n_bigrams, n_classes, n_word_rows, n_labels):
        super().__init__()
        self.d_lex = cfg["lexicon_dim"]
        # sparse: only the rows of a batch get gradients, keeping big tables cheap to train
        self.char_embeddings = nn.Embedding(n_chars, cfg["char_dim"], sparse=True)
        self.bigram_embeddings = nn.Embedding(n_bigrams, cfg["bigram_dim"], sparse=True)
        # lexicon_dim 0 = no lexicon features (the baseline of EXPERIMENTS.md)
        self.lexicon_class_embeddings = nn.Embedding(n_classes, self.d_lex) if self.d_lex > 0 else None
        self.lexicon_word_embeddings = (nn.Embedding(n_word_rows, self.d_lex, sparse=True)
                                        if n_word_rows > 0 and self.d_lex > 0 else None)
        d_in = cfg["char_dim"] + 2 * cfg["bigram_dim"] + 4 * self.d_lex
        # Which corpus a sentence comes from (0 = general): lets the encoder keep each corpus's way of
        # annotating apart. A constant input vector, so export folds the chosen row into the LSTM's
        # input bias (export.fold_domain) and the shipped model has no such input.
        d_dom = cfg.get("domain_dim", 0)
        self.domain_embeddings = nn.Embedding(cfg["n_domains"], d_dom) if d_dom else None
        d_in += d_dom
        self.lstm = nn.LSTM(d_in, cfg["hidden_size"], num_layers=cfg["num_layers"], batch_first=True,
                            bidirectional=True, dropout=cfg["dropout"] if cfg["num_layers"] > 1 else 0.0)
        self.embed_dropout = nn.Dropout(cfg["embed_dropout"])
        self.dropout = nn.Dropout(cfg["dropout"])
        self.classifier = nn.Linear(2 * cfg["hidden_size"], n_labels)
        self.crf = CRF(n_labels)

    def lexicon_vectors(self, B, T, lex):
        """Pool matched words into [B, T, 4*d_lex]; lex = (slot, class, row, weight) flat tensors,
        slot = (b*T + position)*4 + set."""
        slot, cls, row, weight = lex
        vec = self.lexicon_class_embeddings(cls)
        if self.lexicon_word_embeddings is not None:
            has_row = (row >= 0).unsqueeze(1).to(vec.dtype)
            vec = vec + has_row * self.lexicon_word_embeddings(row.clamp(min=0))
        pooled = torch.zeros(B * T * 4, self.d_lex).index_add_(0, slot, weight.unsqueeze(1) * vec)
        return pooled.view(B, T, 4 * self.d_lex)

    def emissions(self, chars, left, right, lex, domain=None):
        """Emission scores [B, T, labels]; all sentences of a batch have length T (no padding).
        domain: [B] corpus ids, or None for the general id 0."""
        B, T = chars.shape
        parts = [self.char_embeddings(chars), self.bigram_embeddings(left), self.bigram_embeddings(right)]
        if self.lexicon_class_embeddings is not None:
            parts.append(self.lexicon_vectors(B, T, lex))
        x = self.embed_dropout(torch.cat(parts, dim=2))
        if self.domain_embeddings is not None:
            if domain is None:
                domain = torch.zeros(B, dtype=torch.int64)
            x = torch.cat([x, self.domain_embeddings(domain)[:, None, :].expand(B, T, -1)], dim=2)
        h, _ = self.lstm(x)
        return self.classifier(self.dropout(h))
