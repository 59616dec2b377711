"""Demo data for Yixian: `python -m data.generate_demo` writes the invented demo university to `data/demo/`."""
