"""Report definitions. Import each module here so it registers itself."""
