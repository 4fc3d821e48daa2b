"""The one percentile of the repository's latency figures (stress/ and bench/)."""


def percentile(values, p):
    """The p-th percentile (0 <= p <= 100) of `values`, None when there are none.

    Linear interpolation between the two closest ranks: numpy.percentile's default method and
    statistics.quantiles(method="inclusive"), so a figure can be checked with either, and
    percentile(v, 50) is statistics.median(v), which the benchmark also reports. It is also what
    the published benchmark figures were computed with. A nearest-rank percentile is always one of
    the samples but jumps from sample to sample as their count changes; this one moves smoothly,
    which suits comparing runs that completed different numbers of requests.
    """
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
