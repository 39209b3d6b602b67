def main():
    return 'cafe'
