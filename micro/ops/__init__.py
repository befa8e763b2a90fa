"""One module per operator: check + prepare → C kernel params (see base.py)."""
