"""The programme's impact view: figures computed from the live data, charts and CSV."""
