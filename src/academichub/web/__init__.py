"""The web app: create_app(settings) in app.py."""
