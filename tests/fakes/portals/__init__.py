"""Replica seller panels (Meesho, Snapdeal, IndiaMART) and the IndiaMART leads API, for the browser platforms."""
