"""One module per area of the register, each declaring its register objects on the kit."""
