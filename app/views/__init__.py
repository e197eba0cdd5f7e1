"""Views and APIs; ``register_views`` is the one place that adds them and the menu."""
