# Dates and numbers in Belarus are written as in Minsk's Russian (Django ships no Belarusian formats);
# month names come from Django's Belarusian translations.
from config.formats.ru.formats import *  # noqa: F403
