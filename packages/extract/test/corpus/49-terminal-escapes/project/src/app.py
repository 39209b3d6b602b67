def main():
    print('done')
