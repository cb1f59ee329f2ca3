def parser(sub):
    pass
