from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dueregard.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from dueregard.accounts.permissions import Action, Kind, can_anywhere
        from dueregard.core import navigation

        from .reminders import reminders_for

        navigation.register(
            navigation.Entry(
                label="Training",
                url_name="training:home",
                description="Prevent training across the council and its partners: compliance "
                "against target, sessions, trainers, feedback and imports.",
                visible=lambda user: can_anywhere(user, Kind.TRAINING, Action.LIST),
                order=30,
            )
        )
        navigation.register_home_panel(
            "training_reminders",
            navigation.HomePanel(
                template_name="training/home_panel.html",
                context=reminders_for,
                visible=lambda user: can_anywhere(user, Kind.TRAINING, Action.CHANGE),
                order=40,
            ),
        )
