def is_admin(user):
    return user.role == 'admin'
