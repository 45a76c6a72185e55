"""Account pages: register, sign in and out, your account, password, tokens, joining."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from marketplace.access import public
from marketplace.accounts import queries, services
from marketplace.accounts.forms import (
    NEW_ORGANISATION,
    ApiTokenForm,
    ChangePasswordForm,
    JoinOrganisationForm,
    RegisterForm,
    SignInForm,
)
from marketplace.errors import Invalid
from marketplace.extensions import csrf, db, limiter
from marketplace.forms import has_errors, show_errors
from marketplace.redirects import safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")

REGISTERED_MESSAGE = (
    "Thank you. If this email address is new to us, your account is ready: sign in to see "
    "your role request. If you already have an account, sign in with your existing password."
)


def _only_failures(response) -> bool:
    """Count only failed attempts towards the limit: a successful sign-in redirects."""
    return response.status_code != 302


def _ip_and_email() -> str:
    return f"{get_remote_address()}|{request.form.get('email', '').strip().lower()[:254]}"


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _sign_in_address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _new_organisation(form) -> services.NewOrganisation | None:
    if form.organisation_id.data != NEW_ORGANISATION:
        return None
    return services.NewOrganisation(
        name=form.organisation_name.data,
        kind=form.organisation_kind.data,
        ods_code=form.ods_code.data,
        companies_house_number=form.companies_house_number.data,
    )


def _chosen_organisation_id(form) -> int | None:
    value = form.organisation_id.data
    return int(value) if value and value.isdigit() else None


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_register_limit, methods=["POST"])
def register():
    form = RegisterForm()
    form.set_organisations(queries.approved_organisations(db.session))
    if form.is_submitted() and form.validate():
        try:
            services.register(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                organisation_id=_chosen_organisation_id(form),
                new_organisation=_new_organisation(form),
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(REGISTERED_MESSAGE, "success")
            return redirect(url_for("accounts.sign_in"))
    status = 422 if has_errors(form) else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_ip_and_email, deduct_when=_only_failures)
@limiter.limit(_sign_in_address_limit, methods=["POST"], deduct_when=_only_failures)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            session.clear()
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
        form.email.errors = ["Enter a correct email address and password"]
    status = 422 if has_errors(form) else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
@public
@csrf.exempt  # SameSite=Lax means another site cannot post with our session cookie anyway
def sign_out():
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


@bp.get("/account")
def account():
    return render_template("accounts/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session, current_user, form.current_password.data, form.new_password.data
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            # This session carries on under the new session token.
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    status = 422 if has_errors(form) else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    services.sign_out_everywhere(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have been signed out on every device, including this one.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/organisations/join", methods=["GET", "POST"])
def join_organisation():
    form = JoinOrganisationForm()
    form.set_organisations(queries.approved_organisations(db.session))
    if form.validate_on_submit():
        try:
            new = _new_organisation(form)
            if new is not None:
                services.propose_organisation(db.session, current_user, new, form.role.data)
            else:
                services.request_membership(
                    db.session, current_user, _chosen_organisation_id(form), form.role.data
                )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Your request has been sent to the innovation team.", "success")
            return redirect(url_for("accounts.account"))
    status = 422 if has_errors(form) else 200
    return render_template("accounts/join_organisation.html", form=form), status


@bp.route("/account/tokens", methods=["GET", "POST"])
def api_tokens():
    form = ApiTokenForm()
    new_secret = None
    if form.validate_on_submit():
        try:
            _token, new_secret = services.create_api_token(
                db.session, current_user, form.name.data, form.expires_in_days.data
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            form = ApiTokenForm(formdata=None)
    tokens = queries.api_tokens_of(db.session, current_user)
    status = 422 if has_errors(form) else 200
    return (
        render_template(
            "accounts/api_tokens.html",
            form=form,
            tokens=tokens,
            new_secret=new_secret,
            use_interval_minutes=int(services.TOKEN_USE_INTERVAL.total_seconds() // 60),
        ),
        status,
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    token = services.revoke_api_token(db.session, current_user, token_id)
    db.session.commit()
    flash(f"Token ‘{token.name}’ has been revoked.", "success")
    return redirect(url_for("accounts.api_tokens"))
