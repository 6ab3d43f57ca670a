from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The page kit (`pages.kit`): the form, detail, list and export pages every domain
    app's views are built from. It sits on the spine above `accounts`, because a page reads
    the access rules and writes audit events; `core` stays the floor that imports no app."""

    name = "dueregard.pages"
    label = "pages"
    verbose_name = "Page kit"
