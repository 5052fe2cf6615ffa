"""The pages of events, by audience: the public calendar (`calendar`), announcing (`announce`), registering
(`registration`), the day of the event (`attendance`), results (`results`) and documents (`documents`)."""
