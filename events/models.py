"""Events of the network (trainings, ceremonies, the JIM) and registrations."""
