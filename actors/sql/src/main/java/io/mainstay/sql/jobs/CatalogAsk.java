package io.mainstay.sql.jobs;

import io.mainstay.sql.SqlMain;
import io.mainstay.sql.datasets.DatasetReply;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/** Asks the main's dataset catalog, through this coordinator's job manager (which knows where the main is). */
interface CatalogAsk {
  CompletionStage<DatasetReply> ask(Function<ActorRef<DatasetReply>, SqlMain.Command> message);
}
