"""``net user`` and ``net localgroup administrators ... /add`` for the Run Command interpreter: the local
accounts of the guest model (model.Account), with net.exe's own messages and its exit code 2 on failure."""

from __future__ import annotations


def net(ctx, args, line) -> None:
    from .model import Account
    low = [a.lower() for a in args]
    guest = ctx.guest
    if low[:1] == ["user"] and len(args) >= 2:
        name = args[1]
        account = guest.account(name)
        flags = [a for a in low[2:] if a.startswith("/")]
        password = next((a for a in args[2:] if not a.startswith("/")), None)
        if "/add" in flags:
            if account is not None:
                ctx.error("The account already exists.\n\nMore help is available by typing NET HELPMSG 2224.", 2)
                return
            account = Account(name, True, bool(password), admin=False)
            guest.accounts.append(account)
            ctx.effects.append(f"net user {name} /add")
        elif account is None:
            ctx.error("The user name could not be found.\n\nMore help is available by typing NET HELPMSG 2221.", 2)
            return
        if password and password != "*":
            account.has_password = True
            ctx.effects.append(f"net user {name}: password set")
        for flag in flags:
            if flag.startswith("/active:"):
                account.enabled = flag.endswith("yes")
                ctx.effects.append(f"net user {name} {flag}")
        ctx.print("The command completed successfully.")
        ctx.ok()
        return
    if low[:2] == ["localgroup", "administrators"] and len(args) >= 4 and low[3] == "/add":
        account = guest.account(args[2])
        if account is None:
            ctx.error("There is no such global user or group.\n\nMore help is available by typing NET HELPMSG 3783.", 2)
            return
        account.admin = True
        ctx.effects.append(f"net localgroup administrators {args[2]} /add")
        ctx.print("The command completed successfully.")
        ctx.ok()
        return
    ctx.unknown.append(line)
