"""The kiosk application: wires devices, engine, journal, player and display together."""
