"""Identifiers Slack sends back: action_ids, callback_ids, block_ids and shortcut ids.

Handlers route on these, so they are a contract: change one and its listener together.
"""

from __future__ import annotations

from datetime import date

# Follow-up buttons; value: the follow-up number as a string.
FOLLOW_UP_DONE = "follow_up_done"
FOLLOW_UP_SNOOZE_DAY = "follow_up_snooze_day"
FOLLOW_UP_SNOOZE_WEEK = "follow_up_snooze_week"

# "Log a touch" opens the logging modal for an account; value: the account id.
LOG_TOUCH = "log_touch"

# Renewal buttons; value: `renewal_value(contract id, renewal date)`, the occasion decided.
RENEWAL_RENEWED = "renewal_renewed"
RENEWAL_NOT_RENEWING = "renewal_not_renewing"
RENEWAL_SNOOZE_WEEK = "renewal_snooze_week"

# Stale account: snooze one cadence period; value: the account id.
STALE_SNOOZE = "stale_snooze_cadence"

# "Show more" under a page of a list; value: ``bot.paging.More`` (the list's line and cursor).
SHOW_MORE = "list_show_more"
MORE_BLOCK_PREFIX = "more:"

# "Which account?" when several fit a name: one button per account, its action_id this prefix
# and the button's place ("choose_account_2": unique within the block); value:
# ``bot.choices.AccountChoice`` (the line as typed and the account picked).
CHOOSE_ACCOUNT_PREFIX = "choose_account_"
CHOOSE_ACCOUNT_BLOCK = "choose_account"

# The logging modal (callback_id) and its account picker (external_select action_id).
LOG_MODAL = "log_interaction"
ACCOUNT_SELECT = "account"

# Shortcuts, as declared in the app manifest.
MESSAGE_SHORTCUT = "log_to_rapport"
GLOBAL_SHORTCUT = "log_an_interaction"

# The logging modal's input blocks (keys of view.state.values and of response_action errors)
# and the action_id of the element inside each.
LOG_ACCOUNT_BLOCK = "log_account"
LOG_KIND_BLOCK = "log_kind"
LOG_KIND_ACTION = "kind"
LOG_DAY_BLOCK = "log_day"
LOG_DAY_ACTION = "day"
LOG_SUMMARY_BLOCK = "log_summary"
LOG_SUMMARY_ACTION = "summary"
LOG_FOLLOW_UP_DAY_BLOCK = "log_follow_up_day"
LOG_FOLLOW_UP_DAY_ACTION = "follow_up_day"
LOG_FOLLOW_UP_TEXT_BLOCK = "log_follow_up_text"
LOG_FOLLOW_UP_TEXT_ACTION = "follow_up_text"

# block_id prefixes of the actions blocks under each item ("follow_up:42", "renewal:7", …),
# so a handler can find the clicked item's block when it updates the message in place.
FOLLOW_UP_BLOCK_PREFIX = "follow_up:"
RENEWAL_BLOCK_PREFIX = "renewal:"
STALE_BLOCK_PREFIX = "stale:"
ACCOUNT_BLOCK_PREFIX = "account:"


def renewal_value(contract_id: int, renews_on: date) -> str:
    """What a renewal decision button carries: the contract and the renewal date it decides
    (``bot.buttons`` reads it back)."""
    return f"{contract_id}:{renews_on.isoformat()}"
