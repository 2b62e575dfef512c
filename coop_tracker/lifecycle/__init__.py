"""The lifecycle of an agreement: phases, gated transitions, notice, utträde and exit plans."""
