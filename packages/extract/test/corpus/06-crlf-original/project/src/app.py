old
line
