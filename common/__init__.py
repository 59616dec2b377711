"""Pure building blocks every layer shares: the vocabulary (codes and their zh/en labels),
the one bilingual error type, and deterministic ids. No Streamlit, no database."""
