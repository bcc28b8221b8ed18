"""Django integration; import the submodules (``aws_ses.contrib.django.events``) directly."""
