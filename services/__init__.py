"""Glue that pages call: open a session, call the store and the cores, return plain values.
No Streamlit here, and nothing that must last is kept in process memory (only the engine)."""
