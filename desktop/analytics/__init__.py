"""The Analytics tab: KPI cards, charts and the sale form."""
