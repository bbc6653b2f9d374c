"""What the service keeps on disk: model folders and their registry, users' feedback, and the
atomic writes that keep both whole."""
