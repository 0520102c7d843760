"""Public-health indicator statistics, identical to the official methods.

The methods follow PHEindicatormethods (R) and its Python port phstatsmethods; each module
names the method it implements and the reference its tests reproduce.
"""
