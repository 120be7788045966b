"""Password checks take turns: never more than the bound at once, first come first served, across event loops."""

from __future__ import annotations

import asyncio
import threading

from console.store.passwords import Turns


def test_turns_are_first_come_first_served_and_a_cancelled_wait_passes_its_turn_on() -> None:
    async def scene() -> list[str]:
        turns, order = Turns(1), []
        await turns.__aenter__()  # held

        async def wait(name: str) -> None:
            async with turns:
                order.append(name)

        first, second, third = (asyncio.create_task(wait(n)) for n in ("first", "second", "third"))
        await asyncio.sleep(0)
        first.cancel()  # its request went away while waiting
        await asyncio.sleep(0)
        await turns.__aexit__(None, None, None)
        await asyncio.gather(second, third)
        assert first.cancelled()
        return order

    assert asyncio.run(scene()) == ["second", "third"]


def test_turns_are_shared_by_threads_with_their_own_event_loops() -> None:
    turns, lock = Turns(2), threading.Lock()
    running = most = 0

    async def hold() -> None:
        nonlocal running, most
        async with turns:
            with lock:
                running += 1
                most = max(most, running)
            await asyncio.sleep(0.01)
            with lock:
                running -= 1

    threads = [threading.Thread(target=asyncio.run, args=(hold(),)) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most == 2 and not any(t.is_alive() for t in threads)
