"""The year roll-over section (学年换届) of the Data page."""
