"""decontrol's Dash application. Importing the package is cheap: Dash loads only in `create_app`."""
