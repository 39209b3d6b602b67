def main():
    return ''
