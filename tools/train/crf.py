"""Linear-chain CRF, pytorch-crf convention: transitions[i, j] scores tag i -> tag j.

Batches hold sentences of one length (data.length_batches), so no masks are needed.
"""
import torch
from torch import nn


class CRF(nn.Module):
    def __init__(self, num_tags):
        super().__init__()
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))
        self.start_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.end_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))

    def neg_log_likelihood(self, emissions, tags):
        """Summed over the batch. emissions [B,T,K], tags [B,T]."""
        # gold path score in whole-tensor ops (per-step indexing would make backward O(T^2))
        score = (self.start_transitions[tags[:, 0]]
                 + emissions.gather(2, tags.unsqueeze(2)).squeeze(2).sum(1)
                 + self.transitions[tags[:, :-1], tags[:, 1:]].sum(1)
                 + self.end_transitions[tags[:, -1]])
        alpha = self.start_transitions + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            alpha = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1), dim=1)
        log_z = torch.logsumexp(alpha + self.end_transitions, dim=1)
        return (log_z - score).sum()

    @torch.no_grad()
    def viterbi(self, emissions):
        """Best tag path per sentence; ties resolve to the lowest tag index (torch max/argmax)."""
        score = self.start_transitions + emissions[:, 0]
        back = []
        for t in range(1, emissions.shape[1]):
            best, idx = (score.unsqueeze(2) + self.transitions).max(dim=1)
            score = best + emissions[:, t]
            back.append(idx)
        tag = (score + self.end_transitions).argmax(dim=1)
        path = [tag]
        for idx in reversed(back):
            tag = idx.gather(1, tag.unsqueeze(1)).squeeze(1)
            path.append(tag)
        return torch.stack(path[::-1], dim=1).tolist()
