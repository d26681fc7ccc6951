"""Sales and engagement: import, aggregation per day, platform and product, costs, profit and ROI. Never imports Qt."""
