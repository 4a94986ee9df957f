"""The demo district (Beijing Dongcheng): regions, zones, owners, accounts, issues and sixty days of history."""
