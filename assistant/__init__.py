"""On-device voice assistant for the smart home and the car."""

__version__ = "0.1.0"
