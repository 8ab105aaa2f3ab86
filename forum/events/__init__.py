"""Events and meetings of participatory processes."""
