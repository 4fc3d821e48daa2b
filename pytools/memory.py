"""The one reader of a process's memory figures: the kB fields of Linux's /proc/PID/status
(VmRSS: resident now; VmHWM: the resident peak; RssAnon / RssFile / RssShmem: what the resident
part is made of)."""
import os


def status_kb(pid="self", fields=("VmRSS",)):
    """{field: kB} for those of `fields` that /proc/PID/status lists (a zombie lists no Vm* lines)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in fields:
                out[key] = int(rest.split()[0])
    return out


def rss_kb(pid="self"):
    """VmRSS in kB; 0 once the process is a zombie."""
    return status_kb(pid).get("VmRSS", 0)


def tree_rss_kb(pid):
    """VmRSS of a process and all its descendants (kB): a server that forks workers, or a launcher
    whose child does the work, is measured whole. Processes that exit during the walk count 0."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += rss_kb(p)
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total
