"""What the repository's Python tooling (stress/, bench/, Tests/browser/, scripts/) shares, so that
each piece exists once. Standard library only, so every virtual environment, and the system Python,
can import it from the repository root."""
